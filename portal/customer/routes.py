"""Customer pages: thin views over the services."""

from flask import g, render_template

from portal.customer import bp
from portal.web import customer_required


@bp.get("/")
@customer_required
def home():
    """The customer's home: its account; admission and tickets arrive with their features."""
    return render_template("customer/home.html", user=g.actor)
