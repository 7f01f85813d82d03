"""The catalogue as DCAT-AP 3.0.1 at ``/catalog.ttl``, ``/catalog.jsonld`` and
``/catalog.rdf`` (Turtle, JSON-LD, RDF/XML).

Conformant to the official DCAT-AP 3.0.1 SHACL shapes (``tests/opendata`` validates the
live catalogue with ``pyshacl``). The EU controlled vocabularies are used where DCAT-AP
asks for them (data themes, frequencies, file types, access rights, publisher types),
and every referenced resource carries its type (and concepts their scheme) in the graph
itself, so the catalogue validates offline, without the vocabularies.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from paknam.api.opendata import catalogue as cat
from paknam.api.opendata.ckan import resource_url
from paknam.core.config import get_settings
from paknam.core.store import Store
from paknam.core.timeutil import now_s

router = APIRouter(tags=["open data: DCAT-AP"])

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
EU = "http://publications.europa.eu/resource/authority/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
GEOSPARQL_WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")

FILE_TYPES = {
    "CSV": "CSV",
    "JSON": "JSON",
    "GeoJSON": "GEOJSON",
    "XML": "XML",
    "Atom": "ATOM",
    "RDF": "RDF_XML",
}
"""Our resource formats -> EU file-type authority codes."""
MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GeoJSON": "application/geo+json",
    "XML": "application/xml",
    "Atom": "application/atom+xml",
}


def _concept(g: Graph, uri: str, scheme: str, label: str) -> URIRef:
    node = URIRef(uri)
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((node, SKOS.inScheme, URIRef(scheme)))
    return node


def _date_time(epoch_s: int) -> Literal:
    dt = datetime.fromtimestamp(epoch_s, UTC).replace(microsecond=0)
    return Literal(dt.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


def build_graph(store: Store) -> Graph:
    """The whole catalogue as an RDF graph."""
    s = get_settings()
    base = s.public_base_url.rstrip("/")
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("skos", SKOS), ("locn", LOCN)):  # fmt: skip
        g.bind(prefix, ns)
    catalog = URIRef(f"{base}/catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"{s.opendata_publisher_en} open data", lang="en")))
    g.add((catalog, DCTERMS.title, Literal(f"ข้อมูลเปิด{s.opendata_publisher_th}", lang="th")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Open data of the city data platform (paknam).", lang="en"),
        )
    )
    g.add((catalog, DCTERMS.description, Literal("ข้อมูลเปิดของแพลตฟอร์มข้อมูลเมือง", lang="th")))
    g.add((catalog, DCTERMS.modified, _date_time(now_s())))
    home = URIRef(f"{base}/")
    g.add((home, RDF.type, FOAF.Document))
    g.add((catalog, FOAF.homepage, home))
    themes = URIRef(EU + "data-theme")
    g.add((themes, RDF.type, SKOS.ConceptScheme))
    g.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((catalog, DCAT.themeTaxonomy, themes))
    for lang in ("THA", "ENG"):
        node = URIRef(EU + f"language/{lang}")
        g.add((node, RDF.type, DCTERMS.LinguisticSystem))
        g.add((catalog, DCTERMS.language, node))

    agents: dict[str, URIRef] = {}
    for key, org in cat.organisations(store).items():
        agent = URIRef(f"{base}/opendata/organization/{org.name}")
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, RDF.type, FOAF.Organization))
        g.add((agent, FOAF.name, Literal(org.title_en, lang="en")))
        g.add((agent, FOAF.name, Literal(org.title_th, lang="th")))
        kind = _concept(
            g,
            ADMS_PUBLISHER_TYPE + "LocalAuthority",
            ADMS_PUBLISHER_TYPE + "1.0",
            "Local Authority",
        )
        g.add((agent, DCTERMS.type, kind))
        agents[key] = agent
    g.add((catalog, DCTERMS.publisher, agents["city"]))

    for e in cat.entries(store):
        ds = e.ds
        node = URIRef(f"{base}/opendata/{ds.name}")
        g.add((catalog, DCAT.dataset, node))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(e.id)))
        g.add((node, DCTERMS.title, Literal(ds.title_en, lang="en")))
        g.add((node, DCTERMS.title, Literal(ds.title_th, lang="th")))
        g.add((node, DCTERMS.description, Literal(ds.notes_en, lang="en")))
        g.add((node, DCTERMS.description, Literal(ds.notes_th, lang="th")))
        for k in ds.keywords:
            g.add((node, DCAT.keyword, Literal(k)))
        g.add(
            (
                node,
                DCAT.theme,
                _concept(
                    g,
                    EU + f"data-theme/{ds.theme}",
                    EU + "data-theme",
                    cat.THEMES.get(ds.theme, ds.theme),
                ),
            )
        )
        g.add((node, DCTERMS.publisher, agents.get(ds.publisher, agents["city"])))
        freq = URIRef(EU + f"frequency/{ds.frequency}")
        g.add((freq, RDF.type, DCTERMS.Frequency))
        g.add((freq, SKOS.inScheme, URIRef(EU + "frequency")))
        g.add((node, DCTERMS.accrualPeriodicity, freq))
        rights = URIRef(EU + "access-right/PUBLIC")
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        g.add((rights, SKOS.inScheme, URIRef(EU + "access-right")))
        g.add((node, DCTERMS.accessRights, rights))
        contact = BNode()
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(e.org.title_en)))
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{e.org.email}")))
        g.add((node, DCAT.contactPoint, contact))
        landing = URIRef(f"{base}/api/3/action/package_show?id={ds.name}")
        g.add((landing, RDF.type, FOAF.Document))
        g.add((node, DCAT.landingPage, landing))
        if e.end is not None:
            g.add((node, DCTERMS.modified, _date_time(e.end)))
        if e.start is not None and e.end is not None:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, _date_time(e.start)))
            g.add((period, DCAT.endDate, _date_time(e.end)))
            g.add((node, DCTERMS.temporal, period))
        if e.bbox is not None:
            w, south, east, n = e.bbox
            where = BNode()
            g.add((where, RDF.type, DCTERMS.Location))
            wkt = f"POLYGON(({w} {south}, {east} {south}, {east} {n}, {w} {n}, {w} {south}))"
            g.add((where, DCAT.bbox, Literal(wkt, datatype=GEOSPARQL_WKT)))
            g.add((node, DCTERMS.spatial, where))
        licence = None
        if ds.licence in cat.LICENCES:
            licence = URIRef(cat.LICENCES[ds.licence][1])
            g.add((licence, RDF.type, DCTERMS.LicenseDocument))
        for r in e.resources:
            dist = URIRef(f"{base}/opendata/{ds.name}#{r.key}")
            g.add((node, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.title, Literal(r.name_en, lang="en")))
            g.add((dist, DCTERMS.title, Literal(r.name_th, lang="th")))
            url = URIRef(resource_url(e, r))
            g.add((dist, DCAT.accessURL, url))
            if r.datastore:
                g.add((dist, DCAT.downloadURL, url))
            code = FILE_TYPES.get(r.format)
            if code:
                ft = URIRef(EU + f"file-type/{code}")
                g.add((ft, RDF.type, DCTERMS.MediaTypeOrExtent))
                g.add((ft, SKOS.inScheme, URIRef(EU + "file-type")))
                g.add((dist, DCTERMS.format, ft))
            media = MEDIA_TYPES.get(r.format)
            if media:
                mt = URIRef(f"https://www.iana.org/assignments/media-types/{media}")
                g.add((mt, RDF.type, DCTERMS.MediaType))
                g.add((dist, DCAT.mediaType, mt))
            if licence is not None:
                g.add((dist, DCTERMS.license, licence))
            if ds.licence_note:
                note = BNode()
                g.add((note, RDF.type, DCTERMS.RightsStatement))
                g.add((note, RDFS_LABEL, Literal(ds.licence_note, lang="en")))
                g.add((dist, DCTERMS.rights, note))
    return g


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}


@router.get("/catalog.{ext}", summary="The open-data catalogue as DCAT-AP 3 (ttl, jsonld, rdf)")
def catalog(ext: str, request: Request) -> Response:
    if ext not in FORMATS:
        from paknam.core.errors import NotFound

        raise NotFound(
            f"no catalogue format {ext!r}; use catalog.ttl, catalog.jsonld or catalog.rdf"
        )
    fmt, media = FORMATS[ext]
    g = build_graph(request.app.state.store)
    return Response(g.serialize(format=fmt), media_type=media)
