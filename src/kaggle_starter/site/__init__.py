"""The portfolio as a static website: what `make site` writes to ``site/``.

The site is built from the files a clone of the project holds (reports, figures, the run
history, the notebook, the README and the owner's ``features.py``), never from ``data/`` or
``models/``, which git ignores: so the site the Pages workflow publishes from a fresh clone is
the very site its owner previews with ``python -m http.server -d site``.

- :mod:`.content` reads what the pages show and says which pages cannot be made, and why;
- :mod:`.markdown` turns the README's prose and the results sections (:mod:`..readme`) into
  HTML, with links and images pointed at the site's own copies;
- :mod:`.pages` renders the Jinja templates in ``templates/`` and adds the navigation bar to the
  reports other stages wrote (the notebook, the profiles, the monitoring report);
- :mod:`.build` writes the whole folder beside ``site/`` and swaps it in.

Every page loads only files of the site itself: no script, style, font or image from the
network, so it reads the same offline, and a Content-Security-Policy on the site's own pages
holds them to that.
"""
