// seq-encode(1): the logic lives in the SeqEncode library (command, I/O) over SeqCodec and SeqStore.
import SeqEncode

SeqEncodeCommand.main()
