"""What the documents app tells other apps, so that it need not know them.

`text_extracted` is sent after the commit that recorded a file's text (or that it has none, or that reading it
failed), with `stored_file_id`. The search index listens, to index the text of the objects that use the file.
"""

from django.dispatch import Signal

text_extracted = Signal()
