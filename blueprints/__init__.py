"""One package per blueprint; `shared` holds the pieces every blueprint uses."""
