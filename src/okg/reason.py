"""OWL RL inference: what the ontology entails about the facts, minus what was asserted."""

from __future__ import annotations

from typing import Iterable

import owlrl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import ID

# Entailments that hold for every resource and tell a user nothing.
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def useful(triple: tuple) -> bool:
    s, p, o = triple
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode) or not str(s).startswith(str(ID)):
        return False
    if p == OWL.sameAs and s == o:
        return False
    return not (p == RDF.type and o in TRIVIAL_TYPES)


def infer(ontology: Graph, facts: Iterable[tuple]) -> Graph:
    """Triples OWL RL adds to ontology + facts, about okg resources only."""
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in facts:
        closure.add(triple[:3])
    asserted = set(closure)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(closure)
    inferred = Graph()
    for triple in closure:
        if triple not in asserted and useful(triple):
            inferred.add(triple)
    return inferred
