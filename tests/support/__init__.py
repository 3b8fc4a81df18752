"""Reusable test helpers: the sandbox PKI fixture, test documents and signature attack builders."""
