"""The agent's nodes, one module each: perceive, classify, plan and tools, render, critique, respond.

Every node is a function ``(state, runtime, deps) -> partial update``; ``build_graph`` binds one
:class:`~pertouch.graph.nodes.deps.Deps` to all of them. ``taste`` holds the memory steps and
``pictures`` the previews shown to vision models.
"""
