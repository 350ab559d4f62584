"""Scene-aware memory: each person's approved retouches, recalled for their next similar photo.

Modules: ``scene`` (what a photo shows, in comparable words), ``store`` (:class:`SceneMemory`),
``recall`` (suggestion arithmetic), ``users`` (create, list, rename, delete, export, import),
``connection`` (embedded folder or Chroma server), ``embedding`` (the bundled MiniLM registered
with Chroma), ``approval`` (approve or reject a finished retouch), ``cli`` (``pertouch memory``).
Nothing is imported here, so ``import pertouch`` does not load Chroma.

The agent needs two calls. The entry point builds one memory and hands it to ``build_graph``::

    from pertouch.memory.connection import connect
    from pertouch.memory.store import SceneMemory
    memory = SceneMemory(connect(location), embedder)   # location: a folder or http://host:port

In **perceive**, after the segmenter's ``propose``::

    scene = describe(photo, region_map, words=vlm_description)       # pertouch.memory.scene
    suggestion = memory.recall(user, scene)        # Suggestion: .edits, .reason, .empty
    # keep scene.to_dict() and suggestion.to_dict() in the state; tell the user suggestion.reason
    # and start from suggestion.merged_with(instruction_edits) (strong words override memory for
    # what they name; a weak instruction keeps memory's start), or from the instruction alone if
    # the user declines.

When the user **approves** (and only then)::

    settle(memory, PendingRetouch(user, scene, state, instruction, key=f"{thread_id}/{photo_ref}"),
           "approved")                               # pertouch.memory.approval; "rejected" and
                                                     # "abandoned" write nothing
"""
