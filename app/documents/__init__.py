"""Pure document builders: plain data in, bytes (xlsx, PDF) out."""
