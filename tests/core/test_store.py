import cv2
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
    assert len(files) == 1 and files[0].suffix == ".zst"


def test_entries_are_exact_and_compact(tmp_path, astronaut):
    store = ImageStore(tmp_path)
    grey = astronaut.mean(axis=2)
    smooth = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 8)
    mask = (smooth > 120).astype(np.uint8) * 255  # a region, like the segmenter's
    deep = astronaut.astype(np.uint16) * 257
    weights = (grey / 255.0).astype(np.float32)
    for array in (astronaut, mask, deep, weights):
        got = store.get(store.put(array))
        assert got.dtype == array.dtype
        np.testing.assert_array_equal(got, array)
    assert store.usage().entries == 4
    mask_file = next(p for p in tmp_path.rglob("*.zst") if p.stem == array_reference(mask)[7:])
    assert mask_file.stat().st_size < mask.nbytes / 20
    assert store.usage().bytes < (astronaut.nbytes + mask.nbytes + deep.nbytes + weights.nbytes) * 0.8


def test_entries_of_earlier_versions_are_still_read(tmp_path, coffee):
    ref = array_reference(coffee)
    digest = ref.split(":")[1]
    (tmp_path / digest[:2]).mkdir()
    np.save(tmp_path / digest[:2] / f"{digest}.npy", coffee)
    store = ImageStore(tmp_path)
    assert ref in store
    np.testing.assert_array_equal(store.get(ref), coffee)
    assert store.put(coffee) == ref and store.usage().entries == 1


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_store_evicts_the_least_recently_used_entries(tmp_path):
    clock = Clock()
    rng = np.random.default_rng(0)
    photos = [rng.integers(0, 256, (64, 64, 3), dtype=np.uint8) for _ in range(4)]
    sizes = [len(_encoded(p)) for p in photos]
    store = ImageStore(tmp_path, budget=sum(sizes[:3]) + 10, grace_s=30, clock=clock)
    refs = []
    for photo in photos[:3]:
        refs.append(store.put(photo))
        clock.now += 60
    store.get(refs[0])  # the oldest is used again, so the second is now the least recent
    clock.now += 60
    refs.append(store.put(photos[3]))
    assert refs[0] in store and refs[2] in store and refs[3] in store
    assert refs[1] not in store
    assert store.usage().bytes <= store.budget


def test_entries_in_use_are_never_evicted(tmp_path):
    clock = Clock()
    rng = np.random.default_rng(1)
    store = ImageStore(tmp_path, budget=1, grace_s=30, clock=clock)
    first = store.put(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
    clock.now += 10
    second = store.put(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
    assert first in store and second in store  # both used within the grace period
    clock.now += 25  # the first is now 35 s old, the second 25 s
    third = store.put(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
    assert first not in store and second in store and third in store


def test_clear_removes_what_was_not_used_lately(tmp_path, coffee, astronaut):
    clock = Clock()
    store = ImageStore(tmp_path, clock=clock)
    old = store.put(coffee)
    clock.now += 3600
    new = store.put(astronaut)
    assert store.clear(older_than_s=600) > 0
    assert old not in store and new in store
    store.clear()
    assert store.usage().entries == 0
    with pytest.raises(UnknownReference, match="start again from the photo"):
        store.get(new)


def test_a_damaged_entry_is_refused_with_a_sentence(tmp_path, coffee):
    store = ImageStore(tmp_path)
    ref = store.put(coffee)
    path = next(tmp_path.rglob("*.zst"))
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(UnknownReference, match="damaged"):
        store.get(ref)


def _encoded(array: np.ndarray) -> bytes:
    from pertouch.core.store import encode

    return encode(array)
