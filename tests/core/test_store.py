import numpy as np
import pytest

from pertouch.core.store import ImageStore, UnknownReference, array_reference


def test_same_pixels_same_reference(tmp_path, coffee):
    store = ImageStore(tmp_path)
    ref = store.put(coffee)
    assert ref == store.put(coffee.copy()) == array_reference(coffee)
    assert ref in store
    np.testing.assert_array_equal(store.get(ref), coffee)
    assert store.put(coffee[:, :, ::-1]) != ref
    assert store.put(coffee.astype(np.uint16)) != ref


def test_bad_references_are_refused(tmp_path):
    store = ImageStore(tmp_path)
    for ref in ("sha256:" + "0" * 64, "../../etc/passwd", "sha256:xyz"):
        with pytest.raises(UnknownReference):
            store.get(ref)
    assert "../x" not in store


def test_no_temporary_files_left(tmp_path, astronaut):
    store = ImageStore(tmp_path)
    store.put(astronaut)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].suffix == ".npy"
