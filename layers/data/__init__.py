"""Read a data folder, validate it once, and hold it as a typed model; lint it for a maintainer."""
