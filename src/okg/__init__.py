"""okg: a knowledge graph of Morocco's offshoring and digital-economy programmes.

    >>> import okg
    >>> kg = okg.load()
    >>> kg.query("programmes")[0]["name"]
"""

from .errors import OkgError
from .kg import KG, Rows, load

__all__ = ["KG", "OkgError", "Rows", "load"]
__version__ = "0.1.0"
