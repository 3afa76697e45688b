"""Grouped documents at the edge: version 3 leaves each group's members and
steps out (the page and engine.document_codec.expand derive them); saves
take them as the engine writes them, as an earlier chainrule wrote them
(version 3 with members and steps, version 2), and refuse groups the rules
cannot read with a 422 that says where."""

from __future__ import annotations

import json
import random

import pytest

from engine import Value, build_document
from engine.document_codec import expand
from engine.nn import MLP
from engine.schema import Document


def mlp_json() -> str:
    random.seed(4)
    model = MLP(2, [3, 2, 1])
    return build_document((model([Value(0.5), Value(-1.5)]) - 1.0) ** 2).to_json()


def save(client, doc: dict):
    return client.post("/api/graphs", content=json.dumps(doc),
                       headers={"content-type": "application/json"})


def test_a_grouped_document_carries_no_members_or_steps_and_reads_back_as_sent(client):
    doc = json.loads(mlp_json())
    assert doc["groups"] and all(set(g) == {"id", "label", "parent", "inputs", "outputs"}
                                 for g in doc["groups"])
    saved = save(client, doc)
    assert saved.status_code == 201
    assert client.get(f"/api/graphs/{saved.json()['id']}").json() == doc
    full = expand(doc)
    assert [g["members"] for g in full["groups"]] == \
        [g.members for g in Document.model_validate(doc).groups]
    assert all(g["steps"]["forward_text"] for g in full["groups"])
    assert sum(len(g["steps"]["flows"]) for g in full["groups"]) > len(full["groups"])


def test_documents_that_carry_members_and_steps_still_save_as_sent(client):
    """Version 3 as written before steps were derived, and version 2."""
    built = Document.model_validate_json(mlp_json())
    older_3 = json.loads(built.with_group_steps().to_json())
    for group, members in zip(older_3["groups"], (g.members for g in built.groups)):
        group["members"] = members
    version_2 = json.loads(Document.model_validate_json(mlp_json()).as_version_2().to_json())
    for doc in (older_3, version_2):
        assert all("steps" in g and "members" in g for g in doc["groups"])
        saved = save(client, doc)
        assert saved.status_code == 201, saved.text
        assert client.get(f"/api/graphs/{saved.json()['id']}").json() == doc


def _renumbered(doc):
    doc["groups"][1]["id"] = 7


def _parent_after(doc):
    doc["groups"][1]["parent"] = 5


def _input_not_a_node(doc):
    doc["groups"][2]["inputs"].append(len(doc["nodes"]))


def _node_in_no_group(doc):
    doc["nodes"][3]["group"] = len(doc["groups"])


def _members_disagree(doc):
    doc["groups"][2]["members"] = [0]


def _version_2_without_members(doc):
    doc.update(json.loads(Document.model_validate(doc).as_version_2().to_json()))
    del doc["groups"][0]["members"]


@pytest.mark.parametrize("spoil,message", [
    (_renumbered, "group 1 has id 7"),
    (_parent_after, "group 1: its parent 5"),
    (_input_not_a_node, "group 2: inputs"),
    (_node_in_no_group, "node 3: its group"),
    (_members_disagree, "group 2: members [0]"),
    (_version_2_without_members, "carry their members"),
])
def test_groups_the_rules_cannot_read_are_refused_with_where(client, spoil, message):
    doc = json.loads(mlp_json())
    spoil(doc)
    answer = save(client, doc)
    assert answer.status_code == 422
    assert message in answer.json()["detail"]["message"]
