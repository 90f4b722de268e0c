// schema-migrate(1): the logic lives in the SchemaMigrate library so tests can drive it.
import SchemaMigrate

SchemaMigrate.main()
