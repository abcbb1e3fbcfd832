"""The catalogue: departments, their products and the document types, kept together in one item (in the
departments table, alone in its partition "~catalogue", so listing departments never meets it), so a page reads
all of them with one GetItem, or inside a BatchGetItem with its other records (DESIGN rule 12).

The tables stay the truth: every write of a department, product or document type goes through its repository,
which patches this copy in the same transaction, on the version it read (a lost race is tag "stale"). Without
the item (a database from before it existed) the catalogue is read from the tables, and written at the next change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

ORG = "org"
KEY = "~catalogue"  # its own partition of the departments table (department ids are slugs: never this)
PARTS = {tables.Department: ("departments", ("dept_id",)), tables.Product: ("products", ("dept_id", "product_id")),
         tables.DocumentType: ("types", ("type_id",))}
LEFT_OUT = {"created_at", "version", "org", "catalogue"}


@dataclass(frozen=True)
class CatalogueView:
    """Departments (by id), products (by department and id) and document types (by id), as plain records."""

    departments: list
    products: list
    types: list

    def department(self, dept_id: str | None):
        """One department, or None."""
        return next((d for d in self.departments if d.dept_id == dept_id), None)

    def sales(self) -> list:
        """The sales departments, by id."""
        return [d for d in self.departments if d.kind == "sales"]

    def products_of(self, dept_id: str, *, on_sale: bool = False) -> list:
        """A department's products, by id (only those on sale, if asked)."""
        return [p for p in self.products if p.dept_id == dept_id and (p.active or not on_sale)]


def _entry(record) -> dict:
    entry = {f.name: getattr(record, f.name) for f in fields(record)
             if f.name not in LEFT_OUT and getattr(record, f.name) is not None}
    if isinstance(entry.get("required_for"), set):
        entry["required_for"] = sorted(entry["required_for"])
    return entry


def _view(data: dict) -> CatalogueView:
    def made(model, entries):
        made = [records.record_type(model)(**e) for e in entries]
        for r in made:
            if isinstance(getattr(r, "required_for", None), list):
                r.required_for = set(r.required_for)
        return made

    return CatalogueView(made(tables.Department, data.get("departments", [])),
                         made(tables.Product, data.get("products", [])),
                         made(tables.DocumentType, data.get("types", [])))


class Catalogue(Repo):
    """The one-item read copy of departments, products and document types."""

    model = tables.Department
    key = (KEY, KEY)

    def read(self, item=None) -> CatalogueView:
        """The catalogue: from its item (`item` if the caller fetched it already), else from the tables."""
        item = item if item is not None else self.get(*self.key)
        if item is not None and item.catalogue:
            return _view(json.loads(item.catalogue))
        return _view(self._from_tables())

    def _from_tables(self) -> dict:
        departments = self.all(ORG)
        products = [p for d in departments for p in self.uow.repo(_Products).all(d.dept_id)]
        types = self.uow.repo(_Types).all(ORG)
        return {"departments": [_entry(d) for d in departments], "products": [_entry(p) for p in products],
                "types": [_entry(t) for t in types]}

    def stage_change(self, record) -> None:
        """Stage the copy with `record` (a department, product or document type) added or replaced."""
        item = self.get(*self.key)
        data = json.loads(item.catalogue) if item is not None and item.catalogue else self._from_tables()
        part, key = PARTS[record.model]
        entry = _entry(record)
        kept = [e for e in data.get(part, []) if tuple(e[k] for k in key) != tuple(entry[k] for k in key)]
        data[part] = sorted(kept + [entry], key=lambda e: tuple(e[k] for k in key))
        read = item.version if item is not None else None
        self.update(self.key, [attr("catalogue").set(json.dumps(data, ensure_ascii=False, sort_keys=True)),
                               attr("version").set((read or 0) + 1)],
                    attr("version").eq(read) if read is not None else attr("org").not_exists(), tag="stale")

    def rebuild(self) -> None:
        """Stage the copy made afresh from the tables (after seeding)."""
        item = self.get(*self.key)
        self.update(self.key, [attr("catalogue").set(json.dumps(self._from_tables(), ensure_ascii=False,
                                                                 sort_keys=True)),
                               attr("version").set(((item.version if item else None) or 0) + 1)])


class _Products(Repo):
    model = tables.Product


class _Types(Repo):
    model = tables.DocumentType
