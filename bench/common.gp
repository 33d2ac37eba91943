# Shared settings of the bench plots. Each plot script is run by
# `gocompat bench` as
#   gnuplot -e "datadir='…'; outdir='…'; ncols=N" bench/NAME.gp
# and reads DATADIR/NAME.dat, a table written from bench.json: a header line
# of quoted column titles, then one row per Go release (scaling: per thread
# count). "?" marks a figure that is missing (not built, failed, filtered).
set datafile missing "?"
set key noenhanced outside right top
set grid ytics
set border 3
set xtics nomirror
set ytics nomirror
set style fill solid 0.85 border -1
set style histogram clustered gap 1
