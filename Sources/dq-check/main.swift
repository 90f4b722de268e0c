// dq-check(1): the logic lives in the DQCheck library so tests can drive it.
import DQCheck

DQCheck.main()
