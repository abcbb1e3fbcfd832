"""The customer import's form (ONB-1, issue 18 item 6), shared by MD's page and the API's description of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.fields import BooleanField

from portal.web.forms import PortalForm


class CustomerImportForm(PortalForm):
    """A CSV or Excel file of existing customers, checked only (dry run) or imported."""

    file = FileField(_l("CSV or Excel file (.csv, .xlsx)"),
                     description=_l("One row per company and department; start from the template."))
    dry_run = BooleanField(_l("Only check the file (dry run): create nothing"), default=True)
