"""The Gradio chat app (``pertouch ui``).

Modules: ``studio`` (the agent, renderer and memory shared by every tab), ``session`` (what one
tab knows), ``handlers`` (upload, send, slide), ``views`` (previews, overlay, progress lines),
``app`` (the page and its wiring), ``cli`` (``pertouch ui`` and ``pertouch mcp``). Nothing is
imported here, so ``import pertouch`` does not load Gradio.
"""
