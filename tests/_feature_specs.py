"""Feature specs for the tower tests (two-tower, rating model, explanations)."""


def id_spec(vocabulary_size, embedding_dim):
    return {
        "type": "id",
        "vocabulary_size": vocabulary_size,
        "embedding_dim": embedding_dim,
    }


def tower_specs(num_users, num_items, embedding_dim, genre_dim=None, num_genres=5):
    """User and item specs: the ids alone, or with `genre_dim` also a user's
    age (numeric) and an item's genres (an id list over `num_genres`)."""
    user = {"user_id": id_spec(num_users, embedding_dim)}
    item = {"item_id": id_spec(num_items, embedding_dim)}
    if genre_dim is not None:
        user["age"] = {"type": "numeric", "dim": 1}
        item["genres"] = {**id_spec(num_genres, genre_dim), "type": "id_list"}
    return user, item
