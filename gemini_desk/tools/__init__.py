"""Tools the model can call: built-in desktop tools and MCP servers."""
