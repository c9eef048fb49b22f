"""The battle for other tools: one module per format, from the model or the rendered site."""
