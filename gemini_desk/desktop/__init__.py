"""Qt glue between the services and the widgets: talk keys, sharing, tray."""
