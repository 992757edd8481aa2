from django import forms
from django.utils.translation import gettext_lazy as _

from . import reader


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.label) for kind in kinds]
        self.fields["file"].help_text = _("At most %(limit)s MB; the first sheet is read, row 1 is the header.") % {
            "limit": round(reader.max_bytes() / 1024 / 1024, 1)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            reader.check_size(upload.size)
            upload.seek(0)
            reader.file_format(upload.read(reader.HEAD_BYTES))
            upload.seek(0)
        except reader.FileProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        return upload
