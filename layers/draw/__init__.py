"""Turn features into drawables: the style registry, symbols, arrows, water, names. Pure, no I/O."""
