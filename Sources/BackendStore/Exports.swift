// The store's SQL types (SQLDatabase, SQLValue, SQLError, ...) belong to its API.
@_exported import SQLStorage
