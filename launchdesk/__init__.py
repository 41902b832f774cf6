"""The launch desk: stories bundled to a launch move with its time and the
prepared outcome version goes out when the launch's outcome is known."""
