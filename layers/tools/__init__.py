"""Commands beside the flow: the live preview and the import of edited layers."""
