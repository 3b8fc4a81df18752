"""The document-centric integration adapter of the DSO's business-consumer cabinet."""
