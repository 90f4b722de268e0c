import Capnp

/// One text message that sets every field of Everything to a non-default value, and the
/// checks that a Reader sees exactly those values. Shared by the read, build and render tests.
enum EverythingValues {
    static let text = """
    ( voidField = void, boolField = true, int8Field = -8, int16Field = -16, int32Field = -32,
      int64Field = -6400000000, uint8Field = 200, uint16Field = 60000, uint32Field = 4000000000,
      uint64Field = 18000000000000000000, float32Field = 1.5, float64Field = -2.25,
      textField = "text \\"é\\"\\n\\tend", dataField = 0x"00 ff 10 41",
      structField = (int32Field = 7, textField = "nested", uint64Default = 0),
      enumField = blueSky,
      boolDefault = false, int8Default = 0, int16Default = 1, int32Default = 2, int64Default = 3,
      uint8Default = 4, uint16Default = 5, uint32Default = 6, uint64Default = 7,
      float32Default = 0, float64Default = 8.5, textDefault = "", dataDefault = "",
      structDefault = (x = 9), enumDefault = red, nanDefault = 1,
      voidList = [void, void, void], boolList = [true, false, true, true, false, false, false, false, true],
      int8List = [-1, 2], int16List = [-300, 300], int32List = [-70000, 70000],
      int64List = [-9223372036854775808, 9223372036854775807], uint8List = [0, 255],
      uint16List = [65535], uint32List = [4294967295, 1], uint64List = [18446744073709551615],
      float32List = [0.5, -1e10, inf], float64List = [1e-300, -0.0, nan],
      textList = ["a", "", "c"], dataList = [0x"01", ""],
      structList = [(x = 1, y = 2, label = "p"), (x = 3)], enumList = [red, unknown, default],
      listList = [[1, 2], [], [3]], textListList = [["x"], ["y", "z"]],
      structListList = [[(x = 1)], []], deepList = [[[1], [2, 3]], []],
      int32ListDefault = [9], textListDefault = [], structListDefault = [], boolListDefault = [false],
      level = quiet, point = (x = 0.5, y = 0.25, label = "pt"),
      word = "union text",
      choice = (ints = [1, -1]),
      outer = (a = 1, inner = (b = "inner b", c = 2.5)),
      inner = (value = -5, kind = beta), innerDefault = (value = 1) )
    """
}
