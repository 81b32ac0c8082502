"""Change orders (priced extras the client accepts online) and the client portal."""
