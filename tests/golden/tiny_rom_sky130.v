// Structural Verilog of netlist top (PDK sky130), written by romalayout.
// Yosys: read_verilog -icells <file>  (the \$_*_ instances are Yosys gate cells).
// Wired lines are wand nets; see romalayout/export/devices.py.
`ifndef YOSYS

module \$_NOT_ 
(
  input A,
  output Y
);

  assign Y = ~A;

endmodule
`endif

module romalayout_nmos
(
  output D,
  input G,
  input S
);

  assign D = ~(G & ~S);

endmodule

module romalayout_pmos
(
  output D,
  input G,
  input S
);

  assign D = 1'b1;

endmodule

module sky130_fd_sc_hd__inv_1
(
  input A,
  output Y
);


  \$_NOT_ 
  g0
  (
    .A(A),
    .Y(Y)
  );


endmodule

module top_decoder
(
  input n2,
  output n3
);


  sky130_fd_sc_hd__inv_1
  i0
  (
    .A(n2),
    .Y(n3)
  );


endmodule

module top_periphery
(
  output wand n5,
  output n6,
  output n7
);

  wand n4;

  romalayout_pmos
  i1
  (
    .D(n4),
    .G(1'b0),
    .S(1'b1)
  );


  romalayout_pmos
  i2
  (
    .D(n5),
    .G(1'b0),
    .S(1'b1)
  );


  sky130_fd_sc_hd__inv_1
  i7
  (
    .A(n4),
    .Y(n6)
  );


  sky130_fd_sc_hd__inv_1
  i8
  (
    .A(n5),
    .Y(n7)
  );


endmodule

module top_array
(
  input n2,
  input n3,
  output wand n5
);


  romalayout_nmos
  i3
  (
    .D(),
    .G(n3),
    .S(1'b0)
  );


  romalayout_nmos
  i4
  (
    .D(),
    .G(n3),
    .S(1'b0)
  );


  romalayout_nmos
  i5
  (
    .D(),
    .G(n2),
    .S(1'b0)
  );


  romalayout_nmos
  i6
  (
    .D(n5),
    .G(n2),
    .S(1'b0)
  );


endmodule

module top
(
  input addr,
  output [1:0] data
);

  wire n2;
  wire n3;
  wand n5;
  wire n6;
  wire n7;
  assign n2 = addr;
  assign data[0] = n6;
  assign data[1] = n7;

  top_decoder
  u_decoder
  (
    .n2(n2),
    .n3(n3)
  );


  top_periphery
  u_periphery
  (
    .n5(n5),
    .n6(n6),
    .n7(n7)
  );


  top_array
  u_array
  (
    .n2(n2),
    .n3(n3),
    .n5(n5)
  );


endmodule
