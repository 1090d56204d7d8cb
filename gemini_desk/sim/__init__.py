"""Local stand-in for the Gemini Live API, spoken to by the real google-genai SDK."""

from .config import SimConfig
from .faults import Fault
from .records import SimSession
from .server import SimServer
from .thread import SimThread

__all__ = ["Fault", "SimConfig", "SimServer", "SimSession", "SimThread"]
