from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from planner.core.forms import Form


class FileUploadForm(Form):
    file = FileField(_l("Datei anhängen"))
