// rec-cat(1): the logic lives in the RecCat library so tests and other tools can reuse it.
import RecCat

RecCat.main()
