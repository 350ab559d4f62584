"""Scene-aware memory: each person's approved retouches, recalled for their next similar photo.

Modules: ``measure`` (named statistics of a photo and its regions), ``framing`` (those in words),
``space`` (the fitted map from measurements to the vector Chroma stores), ``scene``
(:class:`SceneDescription` and ``describe``), ``store`` (:class:`SceneMemory`), ``recall``
(suggestion arithmetic), ``explain`` (the sentences), ``users`` (create, list, rename, delete,
export, import, upgrade), ``connection`` (embedded folder or Chroma server), ``embedding`` (the
functions Chroma records per collection), ``approval`` (approve or reject a finished retouch),
``cli`` (``pertouch memory``). Nothing is imported here, so ``import pertouch`` does not load Chroma.

The entry point builds one memory and hands it to ``build_graph``::

    memory = SceneMemory(connect(location))          # location: a folder or http://host:port

In **perceive**, after the segmenter's ``propose``::

    scene = describe(pixels, segmenter.propose(pixels), words=vlm_description)
    suggestion = memory.recall(user, scene)          # Suggestion: .edits, .reason, .matches
    # keep scene.to_dict() and suggestion.to_dict() in the state; tell the user suggestion.reason
    # whenever it is not empty: it explains a suggestion, and also says when the user has
    # approved photos but none looks like this one. Start from suggestion.merged_with(...).

When the user **approves** (and only then)::

    settle(memory, PendingRetouch(user, scene, state, instruction, key=..., photo=file_name),
           "approved")                               # "rejected" and "abandoned" write nothing
"""
