"""Screen-region, window and camera frame sources, change detection and JPEG encoding."""
