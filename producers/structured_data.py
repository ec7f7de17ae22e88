"""schema.org data of a public profile, so that search engines understand it."""

from producers.models import Producer


def local_business(producer: Producer, *, url: str) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": producer.name,
        "url": url,
    }
    if producer.description:
        data["description"] = producer.description
    if producer.website:
        data["sameAs"] = [producer.website]
    if producer.email:
        data["email"] = producer.email
    if producer.phone:
        data["telephone"] = producer.phone
    if producer.street or producer.postcode:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": producer.street,
            "postalCode": producer.postcode,
            "addressLocality": producer.city,
            "addressCountry": "DE",
        }
    if producer.location and not producer.location_is_approximate:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(producer.location.y, 6),
            "longitude": round(producer.location.x, 6),
        }
    if producer.founded_year:
        data["foundingDate"] = str(producer.founded_year)
    return data
