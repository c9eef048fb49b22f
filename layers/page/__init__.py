"""Put drawables on pages: elements, templates, the page's script and styles, page assembly."""
