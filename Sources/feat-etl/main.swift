// feat-etl(1): the logic lives in the FeatEtl library so tests can drive it.
import FeatEtl

FeatEtl.main()
