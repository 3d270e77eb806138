"""Every parameter the package ships is read by the model: a national file nothing reads (a statutory figure
duplicated as a constant in the code) would let an override change nothing while its file looked in force."""

from __future__ import annotations

from resmodel.params import tree as params_tree
from tests.conftest import ROOT


def test_every_national_and_demo_parameter_is_read_by_a_run_its_projection_or_the_shift_rules(monkeypatch):
    """Parameter-source audit: sanction_fee.yaml, queue.yaml and higher_rate_max_share.yaml were loaded into every
    snapshot but read by nothing (the queue and the assistance rules had their own constants)."""
    from resmodel.io.parameters import load_parameters
    from resmodel.projection_run import build_setup, run_setup
    from resmodel.run import load, run
    from resmodel.shift_run import shift_rules

    read: set[str] = set()
    tree_class, snapshot_class = params_tree.ParameterTree, params_tree.Snapshot
    resolve, trace, growth = tree_class.resolve, snapshot_class.trace, tree_class.index_growth

    def unread_snapshot(self, on):  # a snapshot resolves every leaf: that is not a read of any of them
        return snapshot_class(on, {p: resolve(self, p, on) for p in sorted(self.parameters)})

    monkeypatch.setattr(tree_class, "snapshot", unread_snapshot)
    monkeypatch.setattr(snapshot_class, "trace", lambda self, p: read.add(p) or trace(self, p))
    monkeypatch.setattr(tree_class, "resolve", lambda self, p, on: read.add(p) or resolve(self, p, on))
    monkeypatch.setattr(tree_class, "index_growth", lambda self, p, year: read.add(p) or growth(self, p, year))

    loaded = load(ROOT / "scenarios" / "base.yaml")
    result = run(loaded)
    run_setup(build_setup(loaded, result))
    shift_rules(loaded.snapshot, 30, 1)
    national = set(load_parameters(None).parameters)
    assert national - read == set()
    assert set(loaded.snapshot.paths()) - read == set()  # the demo's local parameters too
