"""guard's detectors packaged for other tools (imported only by those tools, never by guard's scan path)."""
