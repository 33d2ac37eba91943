# Each figure divided by the C->C indirect call measured in the same run.
load sprintf("%s/common.gp", system("dirname ".ARG0))
set style data histograms
set logscale y
set ylabel "times a C->C indirect call (log scale)"
set xlabel "Go release"
set title "Cost relative to the C->C baseline of the same run" noenhanced
do for [t in "svg png"] {
    if (t eq "svg") { set terminal svg size 1100,560 dynamic font "sans,11" } else { set terminal pngcairo size 1100,560 font "sans,10" }
    set output sprintf("%s/ratio.%s", outdir, t)
    plot for [i=2:ncols] sprintf("%s/ratio.dat", datadir) using i:xtic(1) title columnheader(i)
}
