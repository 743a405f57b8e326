-- Relationship items apart from the answers, in import order: the review graph reads every
-- relationship item, and a relationship's evidence the accepted ones (what it may conflict
-- with). Without this both read far more than the relationships: the graph scanned the whole
-- items table (23 ms at 100,000 answers for a graph of 10 relationships; see PERFORMANCE.md),
-- the accepted ones every approved or edited answer. An answer import writes nothing to it.
CREATE INDEX items_relationships ON items (id) WHERE kind = 'relationship';
