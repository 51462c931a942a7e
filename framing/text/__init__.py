"""Text handling, no torch: reading inputs (reader), sentences with offsets (segment),
actor mentions from the registry (actors)."""
