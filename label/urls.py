from django.urls import path

from label import views

app_name = "label"
urlpatterns = [path("label/", views.about, name="about")]
