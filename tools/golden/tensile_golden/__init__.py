"""Tensile's PyTorch oracle: writes the golden set that ships in @tensile/conformance."""
