* SPICE netlist of top (PDK sky130), written by romalayout
* port input addr: n2
* port output data: n6 n7
* STAND-IN level-1 models, only so that ngspice parses this file;
* replace them by the PDK's model library to simulate.
.model sky130_fd_pr__nfet_01v8 nmos level=1
.model sky130_fd_pr__pfet_01v8 pmos level=1
.model sky130_fd_pr__pfet_01v8_hvt pmos level=1
.SUBCKT sky130_fd_sc_hd__inv_1 A VGND VNB VPB VPWR Y
MMIN1 Y A VGND VNB sky130_fd_pr__nfet_01v8 m=1 w=0.65u l=0.15u
MMIP1 Y A VPWR VPB sky130_fd_pr__pfet_01v8_hvt m=1 w=1.0u l=0.15u
.ENDS sky130_fd_sc_hd__inv_1
Vdd vdd 0 1.8
* block decoder
X0 n2 0 0 vdd vdd n3 sky130_fd_sc_hd__inv_1
* block periphery
M1 n4 0 vdd vdd sky130_fd_pr__pfet_01v8 w=0.42u l=0.15u
M2 n5 0 vdd vdd sky130_fd_pr__pfet_01v8 w=0.42u l=0.15u
X7 n4 0 0 vdd vdd n6 sky130_fd_sc_hd__inv_1
X8 n5 0 0 vdd vdd n7 sky130_fd_sc_hd__inv_1
* block array
M3 nc3_D n3 0 0 sky130_fd_pr__nfet_01v8 w=0.42u l=0.15u
M4 nc4_D n3 0 0 sky130_fd_pr__nfet_01v8 w=0.42u l=0.15u
M5 nc5_D n2 0 0 sky130_fd_pr__nfet_01v8 w=0.42u l=0.15u
M6 n5 n2 0 0 sky130_fd_pr__nfet_01v8 w=0.42u l=0.15u
.end
