from fabtown.content_translation import ContentTranslation, register
from producers.models import ProductCategory, ProductionForm


class ProductionFormTranslation(ContentTranslation):
    fields = ("name", "description")


class ProductCategoryTranslation(ContentTranslation):
    fields = ("name", "description")


register(ProductionForm, ProductionFormTranslation)
register(ProductCategory, ProductCategoryTranslation, history={})
