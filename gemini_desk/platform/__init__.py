"""Platform plumbing: paths, logs, assets, key store, single instance, IPC, install."""
