"""The search sources of every app (see library/indexing.py). `register_all()` runs in LibraryConfig.ready();
making another kind of object searchable is one more `search_source_register(...)` call here."""


def register_all() -> None:
    from samrad.library.indexing import search_source_register
    from samrad.library.sources import consultations, dialogue, knowledge_base, responses

    for source in (
        consultations.CONSULTATIONS,
        consultations.CONSULTATION_DOCUMENTS,
        responses.RESPONSES,
        knowledge_base.LIBRARY_DOCUMENTS,
        dialogue.DIALOGUE_SERIES,
        dialogue.MEETINGS,
        dialogue.MEETING_DOCUMENTS,
    ):
        search_source_register(source)
