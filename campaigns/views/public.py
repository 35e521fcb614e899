"""public screens (placeholder until the screens are written)."""

urlpatterns = []
